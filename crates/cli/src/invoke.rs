//! How the user runs vankien, for the commands the program suggests: the repository's wrapper
//! (`./vankien`, which says so in `VANKIEN_COMMAND`), `cargo run --release --` for a binary run
//! from a `target/` folder, else `vankien` (installed on the PATH).

/// The command to write in a hint in place of `vankien`.
pub fn command() -> String {
    if let Ok(c) = std::env::var("VANKIEN_COMMAND")
        && !c.trim().is_empty()
    {
        return c;
    }
    let from_target = std::env::current_exe()
        .ok()
        .is_some_and(|p| p.components().any(|c| c.as_os_str() == "target"));
    if from_target {
        "cargo run --release --".into()
    } else {
        "vankien".into()
    }
}
