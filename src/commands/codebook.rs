//! `tapecoder codebook check [FILE]`: validates a codebook and reports every problem as
//! `file:line:col: message` on stderr (exit 1), or prints a one-line summary (exit 0).
//!
//! Without FILE it checks the study's codebook: with `--study DIR`, the `codebook` named in
//! `DIR/study.toml` (relative to DIR, or absolute); otherwise `./codebook/handbook.toml`.
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;

use crate::cli::{CodebookCommand, GlobalArgs};
use crate::codebook::{self, CodebookError};
use crate::ids::sanitize_for_terminal;
use crate::study::model::StudyConfig;

/// Where the bundled handbook lives relative to the source tree.
pub const BUNDLED_HANDBOOK: &str = "codebook/handbook.toml";

pub fn run(g: &GlobalArgs, a: &CodebookCommand) -> anyhow::Result<ExitCode> {
    match a {
        CodebookCommand::Check { file } => check(g, file.as_deref()),
    }
}

fn check(g: &GlobalArgs, file: Option<&Path>) -> anyhow::Result<ExitCode> {
    let path = match file {
        Some(f) => f.to_path_buf(),
        None => default_codebook(g.study.as_deref())?,
    };
    match codebook::load(&path) {
        Ok(cb) => {
            let levels = usize::from(cb.scale.max - cb.scale.min) + 1;
            println!(
                "{}: ok — {} {}: {} domains, {} levels each ({}–{}), {} segment kind(s), {} composite(s)",
                sanitize_for_terminal(&path.display().to_string()),
                cb.id,
                sanitize_for_terminal(&cb.version),
                cb.domains.len(),
                levels,
                cb.scale.min,
                cb.scale.max,
                cb.segment_kinds.len(),
                cb.composites.len(),
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(CodebookError::Invalid(problems)) => {
            for p in &problems {
                eprintln!("{}", sanitize_for_terminal(&p.to_string()));
            }
            eprintln!(
                "{} problem(s) in {}; fix them and run `tapecoder codebook check` again",
                problems.len(),
                sanitize_for_terminal(&path.display().to_string())
            );
            Ok(ExitCode::FAILURE)
        }
        Err(e) => Err(anyhow::Error::new(e).context("codebook check failed")),
    }
}

/// The codebook to check when no FILE is given.
fn default_codebook(study: Option<&Path>) -> anyhow::Result<PathBuf> {
    let Some(dir) = study else {
        return Ok(PathBuf::from(BUNDLED_HANDBOOK));
    };
    let study_toml = dir.join("study.toml");
    let text = std::fs::read_to_string(&study_toml).with_context(|| {
        format!(
            "cannot read {}; pass a study folder holding study.toml, or name the codebook file",
            study_toml.display()
        )
    })?;
    let config: StudyConfig = toml::from_str(&text).map_err(|e| {
        let (line, column) = codebook::line_col(&text, e.span().map_or(0, |s| s.start));
        anyhow::anyhow!("{}:{line}:{column}: {}", study_toml.display(), e.message().trim())
    })?;
    let named = Path::new(&config.codebook);
    Ok(if named.is_absolute() { named.to_path_buf() } else { dir.join(named) })
}
