//! `tapecoder demo`.
use std::process::ExitCode;

use crate::cli::GlobalArgs;

pub fn run(_g: &GlobalArgs, _a: &crate::cli::DemoArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`tapecoder demo` is not built yet")
}
