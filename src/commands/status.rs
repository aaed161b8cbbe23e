//! `tapecoder status`.
use std::process::ExitCode;

use crate::cli::GlobalArgs;

pub fn run(_g: &GlobalArgs, _a: &crate::cli::StatusArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`tapecoder status` is not built yet")
}
