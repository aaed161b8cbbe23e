//! `tapecoder export codings | final | segments`: tables from the study, as CSV or JSON, or one
//! Audacity label file per coding. A supervisor exports everything; a coder exports only their own
//! codings and segments (without the slot, which would reveal double coding) and no final scores.
use std::process::ExitCode;

use anyhow::{Context, anyhow};

use crate::cli::{ExportArgs, ExportFormat, ExportKind, GlobalArgs};
use crate::coding::Coding;
use crate::commands::context;
use crate::commands::reliability::{durations, write_output};
use crate::export::{
    FinalParts, Table, audacity_labels, codings_table, final_table, segments_table,
};
use crate::study::model::Role;

pub fn run(g: &GlobalArgs, a: &ExportArgs) -> anyhow::Result<ExitCode> {
    let ctx = context::resolve(g)?;
    let me = ctx.me()?;
    let (study, who) = (&ctx.study, me.id.clone());
    let supervisor = me.role == Role::Supervisor;
    if a.format == ExportFormat::Audacity && a.kind != ExportKind::Segments {
        anyhow::bail!("--format audacity is for `export segments` only; use csv or json");
    }
    let codings: Vec<Coding> =
        if supervisor { study.all_codings()? } else { study.codings_of(&who)? };
    let durations = durations(study);
    let table: Table = match a.kind {
        ExportKind::Codings => {
            let assignments = if supervisor { Some(study.assignments()?) } else { None };
            codings_table(study.codebook(), assignments.as_deref(), &durations, &codings)
        }
        ExportKind::Segments => {
            if a.format == ExportFormat::Audacity {
                let dir = a.out.as_deref().ok_or_else(|| {
                    anyhow!(
                        "--format audacity writes one file per coding: name a folder with --out DIR"
                    )
                })?;
                std::fs::create_dir_all(dir)
                    .with_context(|| format!("cannot create folder {}", dir.display()))?;
                let files = audacity_labels(&codings);
                for (name, text) in &files {
                    write_output(Some(&dir.join(name)), text.as_bytes())?;
                }
                eprintln!(
                    "Wrote {} Audacity label file(s) to {}",
                    files.len(),
                    crate::ids::sanitize_for_terminal(&dir.display().to_string())
                );
                return Ok(ExitCode::SUCCESS);
            }
            segments_table(&codings)
        }
        ExportKind::Final => {
            ctx.supervisor("export final scores")?;
            let recordings: Vec<String> = study.recordings().iter().map(|r| r.id.clone()).collect();
            let assignments = study.assignments()?;
            let adjudications = study.adjudications()?;
            let metadata = study.metadata()?;
            final_table(&FinalParts {
                codebook: study.codebook(),
                rule: study.config().final_scores.rule,
                recordings: &recordings,
                assignments: &assignments,
                durations: &durations,
                codings: &codings,
                adjudications: &adjudications,
                metadata: &metadata,
            })
        }
    };
    let text = match a.format {
        ExportFormat::Json => table.to_json()?,
        _ => table.to_csv()?,
    };
    write_output(a.out.as_deref(), text.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}
