//! The `tapecoder` binary: parse the command line and hand over to the library.
#![warn(clippy::too_many_lines)]
use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = tapecoder::cli::Cli::parse();
    if !matches!(
        cli.command,
        None | Some(tapecoder::cli::Command::Code(_) | tapecoder::cli::Command::Adjudicate(_))
    ) {
        default_sigpipe();
    }
    match tapecoder::commands::run(cli) {
        Ok(code) => code,
        Err(err) => {
            // File names and ids in messages are user input: no escape reaches the terminal raw.
            let text: Vec<String> = one_line(&err)
                .lines()
                .map(|l| tapecoder::ids::sanitize_for_terminal(l).into_owned())
                .collect();
            eprintln!("error: {}", text.join("\n"));
            ExitCode::FAILURE
        }
    }
}

/// The whole error chain on one line, "what failed: why", each cause once: many library errors
/// already quote their source in their own message, so a cause whose text is already shown is
/// left out rather than repeated.
fn one_line(err: &anyhow::Error) -> String {
    let mut line = String::new();
    for cause in err.chain() {
        let text = cause.to_string();
        if line.contains(&text) {
            continue;
        }
        if !line.is_empty() {
            line.push_str(": ");
        }
        line.push_str(&text);
    }
    line
}

/// A command whose output goes to a closed pipe (`tapecoder status | head`) ends quietly, like any
/// Unix tool, instead of panicking on "Broken pipe". Rust ignores SIGPIPE by default; the text
/// commands restore the default action. The TUIs keep Rust's default: they write to a terminal.
#[cfg(unix)]
fn default_sigpipe() {
    // SAFETY: called once at start-up before any thread is spawned; SIG_DFL is a valid action.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

#[cfg(not(unix))]
fn default_sigpipe() {}
