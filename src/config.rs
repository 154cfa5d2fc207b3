//! Settings as serde data. Every key has a default, the defaults equal
//! config.example.toml, and a bad file is reported with its line before the
//! terminal is touched.
// STUB parts: loading with line numbers and the example file come from the config work.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// All settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
}

impl Default for ReaderConfig {
    fn default() -> Self {
        Self {
            reading_width: 80,
            repair_page_breaks: true,
            tab_width: 4,
            list_width: 36,
            inline_notes: false,
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
            ("yellow", "#5f5f00"),
            ("green", "#005f00"),
            ("blue", "#00005f"),
            ("pink", "#5f005f"),
            ("purple", "#3a005f"),
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
    pub format: String,
    /// Folder written to; empty means `<data dir>/exports`.
    pub folder: PathBuf,
}

impl Default for ExportConfig {
    fn default() -> Self {
        Self {
            format: "markdown".into(),
            folder: PathBuf::new(),
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Self {
            library: Vec::new(),
            reader: ReaderConfig::default(),
            highlights: HighlightConfig::default(),
            export: ExportConfig::default(),
            keys: crate::keymap::KeyConfig::default(),
        }
    }
}
