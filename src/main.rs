//! The `tapecoder` binary: parse the command line and hand over to the library.
#![warn(clippy::too_many_lines)]
use std::process::ExitCode;

use clap::Parser;

/// mimalloc (MIT) instead of glibc's allocator: a large study's report makes and frees hundreds of
/// thousands of small allocations on several threads, where glibc's arenas spent a quarter of the
/// CPU (BENCHMARKS.md, "Reliability report on 5,000 recordings").
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
/// commands get the default action back (signal-hook's emulation of it: the process ends by
/// SIGPIPE). The TUIs keep Rust's default: they write to a terminal.
#[cfg(unix)]
fn default_sigpipe() {
    use std::sync::Arc;
    use std::sync::atomic::AtomicBool;
    // Without the handler a closed pipe is an error message instead of a quiet end: harmless.
    let _ = signal_hook::flag::register_conditional_default(
        signal_hook::consts::SIGPIPE,
        Arc::new(AtomicBool::new(true)),
    );
}

#[cfg(not(unix))]
fn default_sigpipe() {}
