//! `tapecoder feedback`.
use std::process::ExitCode;

use anyhow::Result;

use crate::cli::{FeedbackArgs, GlobalArgs};

pub fn run(_g: &GlobalArgs, _a: &FeedbackArgs) -> Result<ExitCode> {
    anyhow::bail!("not yet")
}
