//! TEMPORARY (lead): minimal entry until the config work lands.

/// Runs gloss.
pub fn run() -> std::process::ExitCode {
    let paths: Vec<std::path::PathBuf> = std::env::args_os().skip(1).map(Into::into).collect();
    match crate::tui::run_app(
        crate::config::Config::default(),
        crate::keymap::Keymap,
        paths,
        std::env::temp_dir(),
    ) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("gloss: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
