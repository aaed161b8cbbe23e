//! `tapecoder bench`.
use std::process::ExitCode;

use crate::cli::GlobalArgs;

pub fn run(_g: &GlobalArgs, _a: &crate::cli::BenchArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`tapecoder bench` is not built yet")
}
