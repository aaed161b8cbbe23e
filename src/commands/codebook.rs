//! `tapecoder codebook check [FILE]`: validates a codebook and reports every problem as
//! `file:line:col: message` on stderr (exit 1), or prints a one-line summary (exit 0).
//!
//! Without FILE it checks the study's codebook: the `codebook` named in `study.toml` (relative to
//! the study, or absolute) of `--study DIR`, else of the nearest study folder upwards; outside any
//! study, `./codebook/handbook.toml` (the source tree), else the sample study's codebook.
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;

use crate::cli::{CodebookCommand, GlobalArgs};
use crate::codebook::{self, CodebookError};
use crate::ids::sanitize_for_terminal;
use crate::study::locate::find_upwards;
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
        None => {
            let study = match &g.study {
                Some(dir) => Some(dir.clone()),
                None => std::env::current_dir().ok().and_then(|cwd| find_upwards(&cwd)),
            };
            match study {
                Some(dir) => default_codebook(Some(&dir))?,
                None if Path::new(BUNDLED_HANDBOOK).is_file() => default_codebook(None)?,
                None => default_codebook(Some(&crate::commands::context::resolve_dir(g)?.dir))?,
            }
        }
    };
    if let Ok(text) = std::fs::read_to_string(&path)
        && crate::instrument::declares_schema_2(&text)
    {
        return check_instrument(&path, &text);
    }
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

/// `codebook check` of a schema-2 instrument (checklists, classifications, counts, summaries).
fn check_instrument(path: &Path, text: &str) -> anyhow::Result<ExitCode> {
    let shown = sanitize_for_terminal(&path.display().to_string()).into_owned();
    let origin = path.display().to_string();
    let parsed = crate::instrument::parse(text, &origin)
        .and_then(|i| i.clone().into_codebook(text, &origin).map(|_| i));
    match parsed {
        Ok(i) => {
            let derived = i.classifications.iter().filter(|c| c.derived()).count();
            println!(
                "{shown}: ok — {} {} (schema 2): {} scale(s), {} checklist item(s), {} classification(s) ({derived} derived by rules), {} count(s), {} summary score(s)",
                i.id,
                sanitize_for_terminal(&i.version),
                i.scales.len(),
                i.checklist.len(),
                i.classifications.len(),
                i.counts.len(),
                i.summaries.len(),
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(CodebookError::Invalid(problems)) => {
            for p in &problems {
                eprintln!("{}", sanitize_for_terminal(&p.to_string()));
            }
            eprintln!(
                "{} problem(s) in {shown}; fix them and run `tapecoder codebook check` again",
                problems.len()
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
