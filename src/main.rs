//! The `gloss` binary; all logic lives in the library so it can be tested.

use std::process::ExitCode;

fn main() -> ExitCode {
    gloss::run()
}
