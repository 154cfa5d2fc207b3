fn main() -> std::process::ExitCode {
    gloss::run()
}
