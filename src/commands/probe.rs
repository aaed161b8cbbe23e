//! `tapecoder probe`.
use std::process::ExitCode;

use crate::cli::GlobalArgs;

pub fn run(_g: &GlobalArgs, _a: &crate::cli::ProbeArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`tapecoder probe` is not built yet")
}
