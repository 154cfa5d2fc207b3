//! Settings as serde data. Every key has a default, the defaults equal
//! config.example.toml, and a bad file is reported with its line before the
//! terminal is touched.

mod locate;

use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::keymap::{Context, Keymap, KeymapError};
use locate::{KeyPath, line_col, offset_of, path_at};

/// All settings.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Folders (or files) opened when gloss is started without paths.
    pub library: Vec<PathBuf>,
    /// How articles are read.
    pub reader: ReaderConfig,
    /// Highlight colours.
    pub highlights: HighlightConfig,
    /// Where and how notes are exported from the app.
    pub export: ExportConfig,
    /// Key bindings, merged over the defaults.
    pub keys: crate::keymap::KeyConfig,
    /// The daily review of highlights.
    pub review: ReviewConfig,
    /// The article list.
    pub list: ListConfig,
    /// Keeping notes in step across machines.
    pub sync: SyncConfig,
    /// Library search (`F`, `gloss search`): the modes a search starts in.
    pub search: crate::search::Options,
}

/// The daily review (`gloss review`, `D` in the list): how many highlights a
/// day, and which never come back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ReviewConfig {
    /// At most this many highlights a day (answers given today count).
    pub daily_limit: u32,
    /// Highlights with any of these tags are left out.
    pub exclude_tags: Vec<String>,
    /// Highlights of these palette colours are left out.
    pub exclude_colors: Vec<String>,
}

impl Default for ReviewConfig {
    fn default() -> Self {
        Self {
            daily_limit: 20,
            exclude_tags: Vec::new(),
            exclude_colors: Vec::new(),
        }
    }
}

/// The article list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ListConfig {
    /// The order the list starts in (`o` cycles through the others).
    pub sort: crate::library::order::Sort,
}

/// Keeping notes in step across machines (a git repository or a file-sync
/// tool over the data folder).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SyncConfig {
    /// Days a deleted highlight's tombstone is kept, so that merging an
    /// older copy of its notes file does not bring it back.
    pub tombstone_days: u32,
}

impl Default for SyncConfig {
    fn default() -> Self {
        Self {
            tombstone_days: crate::annotations::DEFAULT_TOMBSTONE_DAYS,
        }
    }
}

/// How articles are read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ReaderConfig {
    /// Text is never wider than this many columns, however wide the pane.
    pub reading_width: u16,
    /// Join paragraphs split by PDF page breaks.
    pub repair_page_breaks: bool,
    /// Columns between tab stops.
    pub tab_width: u8,
    /// Width of the list pane in columns.
    pub list_width: u16,
    /// Show notes under their paragraphs from the start.
    pub inline_notes: bool,
    /// Articles larger than this many MiB are refused by their size before
    /// any byte is read, so a huge or sparse file cannot exhaust memory.
    pub max_file_size_mib: u32,
    /// Write web links as OSC 8 hyperlinks, so a terminal that supports them
    /// lets them be clicked (off by itself on the Linux console).
    pub hyperlinks: bool,
    /// Show web pages whole instead of the article extracted from them
    /// (`--raw` for one run, `W` while reading).
    pub raw_pages: bool,
}

impl ReaderConfig {
    /// How articles are parsed under this configuration, for every place
    /// that parses one (the reader, the read-ahead, imports, exports).
    pub fn parse_options(&self) -> crate::document::ParseOptions {
        crate::document::ParseOptions {
            repair_page_breaks: self.repair_page_breaks,
        }
    }

    /// The file-size limit in bytes, as the library takes it.
    pub fn max_file_size(&self) -> u64 {
        (u64::from(self.max_file_size_mib) * 1024 * 1024).max(1)
    }
}

impl Default for ReaderConfig {
    fn default() -> Self {
        Self {
            reading_width: 80,
            repair_page_breaks: true,
            tab_width: 4,
            list_width: 36,
            inline_notes: false,
            max_file_size_mib: 64,
            hyperlinks: true,
            raw_pages: false,
        }
    }
}

/// Highlight colours.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HighlightConfig {
    /// Palette in key order (`1`..`5`): a name and a background colour.
    pub palette: Vec<PaletteColor>,
    /// Name of the colour used by `m`.
    pub default: String,
}

impl HighlightConfig {
    /// The palette's colour names in key order: the one list the app (the
    /// colour sort, messages) and the CLI (`--color` checks) both read.
    pub fn palette_names(&self) -> Vec<&str> {
        self.palette.iter().map(|c| c.name.as_str()).collect()
    }
}

/// One palette entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaletteColor {
    /// Name stored in annotation files and exports.
    pub name: String,
    /// Background as "#rrggbb".
    pub background: String,
}

impl Default for HighlightConfig {
    fn default() -> Self {
        let palette = [
            ("yellow", "#ffe066"),
            ("green", "#b8e994"),
            ("blue", "#a5c8ff"),
            ("pink", "#ffb3d1"),
            ("purple", "#d0b3ff"),
        ]
        .into_iter()
        .map(|(n, b)| PaletteColor {
            name: n.into(),
            background: b.into(),
        })
        .collect();
        Self {
            palette,
            default: "yellow".into(),
        }
    }
}

/// Export from the app.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ExportConfig {
    /// "markdown", "json", "csv" or "w3c".
    pub format: crate::export::Format,
    /// Folder written to; empty means `<data dir>/exports`.
    pub folder: PathBuf,
    /// A folder (an Obsidian vault's, say) kept in step with the notes after
    /// every save: one Markdown file per article, as `gloss export --format
    /// markdown --mirror DIR` writes it; empty means no mirror.
    pub mirror: PathBuf,
}

impl Default for ExportConfig {
    fn default() -> Self {
        Self {
            format: crate::export::Format::Markdown,
            folder: PathBuf::new(),
            mirror: PathBuf::new(),
        }
    }
}

/// Why gloss will not start with the given config. Shown on stderr before the
/// terminal is set up, so it must say where to look without any context.
#[derive(Debug)]
pub enum ConfigError {
    /// `--config` named a file that is not there.
    NotFound {
        /// The path given.
        path: PathBuf,
    },
    /// The file exists but could not be read (permissions, not UTF-8, ...).
    Read {
        /// The file.
        path: PathBuf,
        /// What the system said.
        source: std::io::Error,
    },
    /// The file is not valid TOML, has an unknown key, or a value gloss
    /// cannot use.
    Invalid {
        /// The file.
        path: PathBuf,
        /// 1-based line of the mistake, when it could be found.
        line: Option<usize>,
        /// 1-based column (in characters) of the mistake, with the line.
        column: Option<usize>,
        /// Dotted key path at fault, e.g. `reader.reading_width`.
        key: Option<String>,
        /// What is wrong, ready to show.
        message: String,
    },
}

impl ConfigError {
    /// The file the error is about.
    pub fn path(&self) -> &Path {
        match self {
            ConfigError::NotFound { path }
            | ConfigError::Read { path, .. }
            | ConfigError::Invalid { path, .. } => path,
        }
    }

    /// The 1-based line of the mistake, if known.
    pub fn line(&self) -> Option<usize> {
        match self {
            ConfigError::Invalid { line, .. } => *line,
            _ => None,
        }
    }

    /// The dotted key at fault, if known.
    pub fn key(&self) -> Option<&str> {
        match self {
            ConfigError::Invalid { key, .. } => key.as_deref(),
            _ => None,
        }
    }

    /// An `Invalid` error located at a byte offset of the source.
    fn at_offset(
        path: &Path,
        text: &str,
        offset: Option<usize>,
        key: Option<&KeyPath>,
        message: String,
    ) -> Self {
        let position = offset.map(|o| line_col(text, o));
        ConfigError::Invalid {
            path: path.to_path_buf(),
            line: position.map(|(line, _)| line),
            column: position.map(|(_, column)| column),
            key: key.map(ToString::to_string),
            message,
        }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::NotFound { path } => {
                write!(f, "config file {} does not exist", path.display())
            }
            ConfigError::Read { path, source } => {
                write!(f, "cannot read config file {}: {source}", path.display())
            }
            ConfigError::Invalid {
                path,
                line,
                column,
                message,
                ..
            } => {
                write!(f, "error in {}", path.display())?;
                if let Some(line) = line {
                    write!(f, ", line {line}")?;
                    if let Some(column) = column {
                        write!(f, ", column {column}")?;
                    }
                }
                write!(f, ": {message}")
            }
        }
    }
}

impl std::error::Error for ConfigError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ConfigError::Read { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// Reads the settings gloss starts with, and says which file they came from
/// (`None` when no file exists and the defaults are used).
///
/// An explicit path (`--config`) must exist. Otherwise `config.toml` in the
/// platform's config folder (`$XDG_CONFIG_HOME/gloss` on Linux) is read if it
/// is there.
pub fn load(path: Option<&Path>) -> Result<(Config, Option<PathBuf>), ConfigError> {
    let file = match path {
        Some(path) => {
            if !path.exists() {
                return Err(ConfigError::NotFound {
                    path: path.to_path_buf(),
                });
            }
            path.to_path_buf()
        }
        None => match crate::paths::default_config_file() {
            Some(file) if file.exists() => file,
            _ => return Ok((Config::default(), None)),
        },
    };
    let text = std::fs::read_to_string(&file).map_err(|source| ConfigError::Read {
        path: file.clone(),
        source,
    })?;
    let config = parse(&text, &file)?;
    Ok((config, Some(file)))
}

/// Parses and checks config text; `origin` only names the file in errors.
/// Separate from [`load`] so tests and tools can check text without a file.
pub fn parse(text: &str, origin: &Path) -> Result<Config, ConfigError> {
    let config: Config = toml::from_str(text).map_err(|err| toml_error(text, origin, &err))?;
    config.validate().map_err(|invalid| {
        let offset = offset_of(text, &invalid.key);
        ConfigError::at_offset(
            origin,
            text,
            offset,
            Some(&invalid.key),
            format!("`{}` {}", invalid.key, invalid.problem),
        )
    })?;
    Ok(config)
}

/// Turns toml's error into ours: its span becomes line and column, and the key
/// it points into is named in the message.
fn toml_error(text: &str, origin: &Path, err: &toml::de::Error) -> ConfigError {
    let offset = err.span().map(|span| span.start);
    let key = offset.and_then(|o| path_at(text, o));
    let raw = crate::text::clean(err.message().trim()).replace('\n', "; ");
    let message = match &key {
        Some(key) if raw.starts_with("unknown field") => {
            let parent = key.parent();
            let place = if parent.is_empty() {
                "at the top level".to_string()
            } else {
                format!("in [{parent}]")
            };
            match raw.split_once(", expected ") {
                Some((head, expected)) => format!("{head} {place}; expected {expected}"),
                None => format!("{raw} {place}"),
            }
        }
        Some(key) if key.starts_with(&["keys"]) && raw.starts_with("unknown variant") => {
            format!(
                "`{key}`: unknown action{}",
                raw.trim_start_matches("unknown variant")
            )
        }
        Some(key) if !key.is_empty() => format!("`{key}`: {raw}"),
        _ => format!("invalid TOML: {raw}"),
    };
    ConfigError::at_offset(origin, text, offset, key.as_ref(), message)
}

/// A value that parsed but that gloss cannot use.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Invalid {
    key: KeyPath,
    problem: String,
}

fn invalid(key: KeyPath, problem: impl Into<String>) -> Invalid {
    Invalid {
        key,
        problem: problem.into(),
    }
}

fn in_range<T: PartialOrd + fmt::Display>(
    key: &[&str],
    value: T,
    min: T,
    max: T,
) -> Result<(), Invalid> {
    if value < min || value > max {
        return Err(invalid(
            KeyPath::keys(key),
            format!("must be between {min} and {max}, not {value}"),
        ));
    }
    Ok(())
}

fn is_hex_color(s: &str) -> bool {
    s.strip_prefix('#')
        .is_some_and(|hex| hex.len() == 6 && hex.chars().all(|c| c.is_ascii_hexdigit()))
}

impl Config {
    /// Checks what serde cannot: ranges, colours, names that must match, and
    /// key strings. Runs before the terminal is touched so a typo never
    /// leaves the user in a half-drawn screen.
    fn validate(&self) -> Result<(), Invalid> {
        let reader = &self.reader;
        if reader.reading_width < 20 {
            return Err(invalid(
                KeyPath::keys(&["reader", "reading_width"]),
                format!("must be at least 20, not {}", reader.reading_width),
            ));
        }
        in_range(&["reader", "tab_width"], reader.tab_width, 1, 16)?;
        in_range(&["reader", "list_width"], reader.list_width, 10, 200)?;
        in_range(
            &["reader", "max_file_size_mib"],
            reader.max_file_size_mib,
            1,
            4096,
        )?;

        let highlights = &self.highlights;
        let palette_key = KeyPath::keys(&["highlights", "palette"]);
        if highlights.palette.is_empty() || highlights.palette.len() > 9 {
            return Err(invalid(
                palette_key,
                format!("must have 1 to 9 colours, not {}", highlights.palette.len()),
            ));
        }
        for (i, color) in highlights.palette.iter().enumerate() {
            let entry = palette_key.clone().index(i);
            if color.name.trim().is_empty() {
                return Err(invalid(entry.key("name"), "must not be empty"));
            }
            if highlights.palette[..i].iter().any(|c| c.name == color.name) {
                return Err(invalid(
                    entry.key("name"),
                    format!(
                        "repeats the colour name {:?}; names must be unique",
                        color.name
                    ),
                ));
            }
            if !is_hex_color(&color.background) {
                return Err(invalid(
                    entry.key("background"),
                    format!(
                        "must be a colour like \"#ffe066\", not {:?}",
                        color.background
                    ),
                ));
            }
        }
        if !highlights
            .palette
            .iter()
            .any(|c| c.name == highlights.default)
        {
            let names: Vec<String> = highlights
                .palette
                .iter()
                .map(|c| format!("{:?}", c.name))
                .collect();
            return Err(invalid(
                KeyPath::keys(&["highlights", "default"]),
                format!(
                    "is {:?}, which is not in the palette; use one of {}",
                    highlights.default,
                    names.join(", ")
                ),
            ));
        }

        in_range(
            &["review", "daily_limit"],
            self.review.daily_limit,
            1,
            10_000,
        )?;

        if let Err(err) = Keymap::from_config(&self.keys) {
            let (context, key): (Context, &str) = err.location();
            let problem = match &err {
                KeymapError::BadKey { reason, .. } => format!("is not a key: {reason}"),
                KeymapError::SameKey { first, .. } => {
                    format!("is the same key as `{first}` in [keys.{context}]; keep one")
                }
            };
            return Err(invalid(
                KeyPath::keys(&["keys", context.table_name(), key]),
                problem,
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str) -> Result<Config, ConfigError> {
        parse(text, Path::new("/home/u/.config/gloss/config.toml"))
    }

    fn error(text: &str) -> (String, Option<usize>, Option<String>) {
        let err = check(text).unwrap_err();
        (err.to_string(), err.line(), err.key().map(String::from))
    }

    #[test]
    fn empty_file_gives_defaults() {
        assert_eq!(check("").unwrap(), Config::default());
    }

    #[test]
    fn defaults_are_valid() {
        Config::default().validate().unwrap();
    }

    #[test]
    fn set_values_are_read() {
        let config = check("[reader]\nreading_width = 100\ninline_notes = true\n").unwrap();
        assert_eq!(config.reader.reading_width, 100);
        assert!(config.reader.inline_notes);
        assert_eq!(config.reader.tab_width, 4);
    }

    #[test]
    fn unknown_field_names_file_line_column_and_table() {
        let (text, line, key) = error("library = []\n\n[reader]\ncolour = \"red\"\n");
        assert_eq!(line, Some(4));
        assert_eq!(key.as_deref(), Some("reader.colour"));
        assert!(
            text.starts_with(
                "error in /home/u/.config/gloss/config.toml, line 4, column 1: \
                 unknown field `colour` in [reader]; expected one of"
            ),
            "{text}"
        );
        assert!(text.contains("`reading_width`"), "{text}");
    }

    #[test]
    fn unknown_top_level_table_is_reported() {
        let (text, line, _) = error("[reeder]\nreading_width = 60\n");
        assert_eq!(line, Some(1));
        assert!(
            text.contains("unknown field `reeder` at the top level"),
            "{text}"
        );
    }

    #[test]
    fn wrong_type_names_the_key() {
        let (text, line, key) = error("[reader]\n\ntab_width = \"four\"\n");
        assert_eq!(line, Some(3));
        assert_eq!(key.as_deref(), Some("reader.tab_width"));
        assert!(text.contains("`reader.tab_width`"), "{text}");
    }

    #[test]
    fn syntax_errors_have_a_line() {
        let (text, line, _) = error("[reader]\nreading_width = = 3\n");
        assert_eq!(line, Some(2));
        assert!(text.contains("line 2"), "{text}");
    }

    #[test]
    fn out_of_range_values_name_key_and_line() {
        let (text, line, key) = error("[reader]\nreading_width = 10\n");
        assert_eq!(line, Some(2));
        assert_eq!(key.as_deref(), Some("reader.reading_width"));
        assert!(text.contains("at least 20"), "{text}");

        let (text, _, key) = error("[reader]\ntab_width = 0\n");
        assert_eq!(key.as_deref(), Some("reader.tab_width"));
        assert!(text.contains("between 1 and 16"), "{text}");
        assert!(check("[reader]\ntab_width = 16\n").is_ok());
        assert!(check("[reader]\ntab_width = 17\n").is_err());

        assert!(check("[reader]\nlist_width = 9\n").is_err());
        assert!(check("[reader]\nlist_width = 10\n").is_ok());
        assert!(check("[reader]\nlist_width = 200\n").is_ok());
        assert!(check("[reader]\nlist_width = 201\n").is_err());
    }

    #[test]
    fn absurd_numbers_are_refused_with_the_key_and_line() {
        for (text, key) in [
            (
                "[reader]\nreading_width = 1000000000\n",
                "reader.reading_width",
            ),
            ("[reader]\nreading_width = -5\n", "reader.reading_width"),
            ("[reader]\ntab_width = -1\n", "reader.tab_width"),
            ("[reader]\nlist_width = 99999999999\n", "reader.list_width"),
        ] {
            let (message, line, got) = error(text);
            assert_eq!(got.as_deref(), Some(key), "{text}: {message}");
            assert_eq!(line, Some(2), "{text}: {message}");
        }
    }

    #[test]
    fn palette_is_checked() {
        let two = "[highlights]\ndefault = \"red\"\n\
                   [[highlights.palette]]\nname = \"red\"\nbackground = \"#aa0000\"\n\
                   [[highlights.palette]]\nname = \"grey\"\nbackground = \"#80808\"\n";
        let (text, line, key) = error(two);
        assert_eq!(key.as_deref(), Some("highlights.palette[1].background"));
        assert_eq!(line, Some(8));
        assert!(text.contains("#80808"), "{text}");

        let dup = two.replace("grey", "red").replace("#80808", "#808080");
        let (text, _, key) = error(&dup);
        assert_eq!(key.as_deref(), Some("highlights.palette[1].name"));
        assert!(text.contains("unique"), "{text}");

        let (_, _, key) = error("[highlights]\npalette = []\n");
        assert_eq!(key.as_deref(), Some("highlights.palette"));

        let ten: String = (0..10)
            .map(|i| format!("[[highlights.palette]]\nname = \"c{i}\"\nbackground = \"#000000\"\n"))
            .collect();
        assert!(check(&format!("[highlights]\ndefault = \"c0\"\n{ten}")).is_err());
    }

    #[test]
    fn default_colour_must_be_in_the_palette() {
        let (text, line, key) = error("[highlights]\ndefault = \"orange\"\n");
        assert_eq!(key.as_deref(), Some("highlights.default"));
        assert_eq!(line, Some(2));
        assert!(text.contains("\"yellow\""), "{text}");
        // A palette without the default's name is caught even though
        // `default` is not written: the error points at [highlights].
        let (_, line, key) =
            error("[[highlights.palette]]\nname = \"red\"\nbackground = \"#aa0000\"\n");
        assert_eq!(key.as_deref(), Some("highlights.default"));
        assert_eq!(line, Some(1));
    }

    #[test]
    fn export_format_is_checked() {
        for ok in crate::export::Format::ALL.map(|f| f.name()) {
            assert!(
                check(&format!("[export]\nformat = \"{ok}\"\n")).is_ok(),
                "{ok}"
            );
        }
        let (text, line, key) = error("[export]\nformat = \"pdf\"\n");
        assert_eq!((line, key.as_deref()), (Some(2), Some("export.format")));
        assert!(text.contains("markdown"), "{text}");
    }

    #[test]
    fn bad_key_strings_and_actions_are_reported() {
        let (text, line, key) = error("[keys.reader]\nj = \"page_down\"\nctrl-pgdwn = \"top\"\n");
        assert_eq!(line, Some(3));
        assert_eq!(key.as_deref(), Some("keys.reader.ctrl-pgdwn"));
        assert!(text.contains("pgdwn"), "{text}");

        let (text, line, key) = error("[keys.list]\n\"?\" = \"pagedown\"\n");
        assert_eq!(line, Some(2));
        assert_eq!(key.as_deref(), Some("keys.list.\"?\""));
        assert!(text.contains("unknown action `pagedown`"), "{text}");
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_text_never_panics(text in "[\\[\\]a-z_.=\"#0-9 \n-]{0,80}") {
            let _ = check(&text);
        }

        #[test]
        fn reading_width_bound_is_exact(width in 0u16..200) {
            let result = check(&format!("[reader]\nreading_width = {width}\n"));
            proptest::prop_assert_eq!(result.is_ok(), width >= 20);
        }
    }

    #[test]
    fn missing_explicit_file_is_an_error() {
        let err = load(Some(Path::new("/nonexistent/gloss/config.toml"))).unwrap_err();
        assert!(matches!(err, ConfigError::NotFound { .. }));
        assert!(err.to_string().contains("/nonexistent/gloss/config.toml"));
    }

    #[test]
    fn explicit_file_is_loaded_and_named() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("my.toml");
        std::fs::write(&file, "library = [\"/papers\"]\n").unwrap();
        let (config, from) = load(Some(&file)).unwrap();
        assert_eq!(config.library, [PathBuf::from("/papers")]);
        assert_eq!(from, Some(file));
    }
}
