fn main() {
    gloss::run();
}
