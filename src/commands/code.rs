//! `tapecoder code`.
use std::process::ExitCode;

use crate::cli::GlobalArgs;

pub fn run(_g: &GlobalArgs, _a: &crate::cli::CodeArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`tapecoder code` is not built yet")
}
