//! libFuzzer entry point; the checks live in the shared harness so that
//! `tests/fuzz_regressions.rs` replays crashes through the same code.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| gloss_fuzz::epub::run(data));
