//! `tapecoder adjudicate`.
use std::process::ExitCode;

use crate::cli::GlobalArgs;

pub fn run(_g: &GlobalArgs, _a: &crate::cli::AdjudicateArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`tapecoder adjudicate` is not built yet")
}
