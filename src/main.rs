//! The `tapecoder` binary: parse the command line and hand over to the library.
use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = tapecoder::cli::Cli::parse();
    match tapecoder::commands::run(cli) {
        Ok(code) => code,
        Err(err) => {
            // `{:#}` prints the whole context chain on one line: "what failed: why".
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}
