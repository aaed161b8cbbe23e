//! `tapecoder codebook`.
use std::process::ExitCode;

use crate::cli::GlobalArgs;

pub fn run(_g: &GlobalArgs, _a: &crate::cli::CodebookCommand) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`tapecoder codebook` is not built yet")
}
