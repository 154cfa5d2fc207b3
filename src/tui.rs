//! Terminal setup and the event loop (the lead's implementation replaces this file).

/// Runs the interactive reader (the lead's implementation replaces this).
pub fn run_app(
    config: crate::config::Config,
    keymap: crate::keymap::Keymap,
    paths: Vec<std::path::PathBuf>,
    data_dir: std::path::PathBuf,
) -> anyhow::Result<()> {
    let _ = (config, keymap, paths, data_dir);
    Ok(())
}
