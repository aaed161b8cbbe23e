//! `tapecoder assign`.
use std::process::ExitCode;

use crate::cli::GlobalArgs;

pub fn run(_g: &GlobalArgs, _a: &crate::cli::AssignArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`tapecoder assign` is not built yet")
}
