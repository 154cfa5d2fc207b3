//! The `gloss` binary; all logic lives in the library so it can be tested.

// Tests may unwrap: a failed unwrap there is a failed test.
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

use std::process::ExitCode;

fn main() -> ExitCode {
    gloss::run()
}
