//! `tapecoder verify`.
use std::process::ExitCode;

use crate::cli::GlobalArgs;

pub fn run(_g: &GlobalArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`tapecoder verify` is not built yet")
}
