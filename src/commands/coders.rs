//! `tapecoder coders`.
use std::process::ExitCode;

use crate::cli::GlobalArgs;

pub fn run(_g: &GlobalArgs, _a: &crate::cli::CodersCommand) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`tapecoder coders` is not built yet")
}
