//! Links the `gloss` binary as a position-dependent executable on Linux:
//! a position-independent one makes the dynamic loader apply some 50,000
//! relocations and copy a megabyte of pointer tables at every start, before
//! the first frame (`LD_DEBUG=statistics gloss --version` shows them). The
//! library, the tests and the benchmarks are built as before.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let linux = std::env::var("CARGO_CFG_TARGET_OS").is_ok_and(|os| os == "linux");
    let gnu_or_musl =
        std::env::var("CARGO_CFG_TARGET_ENV").is_ok_and(|e| e == "gnu" || e == "musl");
    if linux && gnu_or_musl {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
}
