//! `tapecoder export`.
use std::process::ExitCode;

use crate::cli::GlobalArgs;

pub fn run(_g: &GlobalArgs, _a: &crate::cli::ExportArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`tapecoder export` is not built yet")
}
