//! `tapecoder clip`.
use std::process::ExitCode;

use crate::cli::GlobalArgs;

pub fn run(_g: &GlobalArgs, _a: &crate::cli::ClipArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`tapecoder clip` is not built yet")
}
