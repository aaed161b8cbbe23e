//! `tapecoder reliability`.
use std::process::ExitCode;

use crate::cli::GlobalArgs;

pub fn run(_g: &GlobalArgs, _a: &crate::cli::ReliabilityArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`tapecoder reliability` is not built yet")
}
