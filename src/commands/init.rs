//! `tapecoder init`.
use std::process::ExitCode;

use crate::cli::GlobalArgs;

pub fn run(_g: &GlobalArgs, _a: &crate::cli::InitArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`tapecoder init` is not built yet")
}
