//! `tapecoder import`.
use std::process::ExitCode;

use crate::cli::GlobalArgs;

pub fn run(_g: &GlobalArgs, _a: &crate::cli::ImportArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`tapecoder import` is not built yet")
}
