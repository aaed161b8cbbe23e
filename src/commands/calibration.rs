//! `tapecoder calibration create|assign|list`: calibration sets and training queues (supervisors
//! only; see [`crate::study::calibration`]).
use std::process::ExitCode;

use anyhow::Result;

use crate::cli::{CalibrationCommand, GlobalArgs};
use crate::coding::CodebookRef;
use crate::study::calibration::{self, CalibrationSet};
use crate::study::journal::now_rfc3339;
use crate::study::model::SCHEMA;

use super::context;

pub fn run(g: &GlobalArgs, c: &CalibrationCommand) -> Result<ExitCode> {
    match c {
        CalibrationCommand::Create { name, recordings, within, share, max_bias } => {
            let ctx = context::resolve_for_writing(g)?;
            let me = ctx.supervisor("create a calibration set")?.id.clone();
            let study = &ctx.study;
            let set = CalibrationSet {
                schema: SCHEMA,
                name: name.clone(),
                created_by: me,
                created_at: now_rfc3339(),
                codebook: CodebookRef::of(study.codebook()),
                within: *within,
                share: *share,
                max_bias: *max_bias,
                recordings: recordings.clone(),
            };
            calibration::create(study, &set)?;
            println!(
                "calibration set {name}: {} recording(s) ({}); pass: {:.0}% of scores within ±{within} of gold and |mean deviation| ≤ {max_bias:.2} on every domain (supervisor/calibration/{name}.toml)",
                recordings.len(),
                recordings.join(", "),
                share * 100.0
            );
        }
        CalibrationCommand::Assign { coder, name } => {
            let ctx = context::resolve_for_writing(g)?;
            let me = ctx.supervisor("assign a calibration set")?.id.clone();
            let recs = calibration::assign(&ctx.study, coder, name, &me)?;
            println!(
                "{coder}'s queue now holds calibration set {name} as training: {}",
                recs.join(", ")
            );
        }
        CalibrationCommand::List => {
            let ctx = context::resolve(g)?;
            ctx.supervisor("read calibration sets")?;
            let sets = calibration::all(&ctx.study)?;
            if sets.is_empty() {
                println!(
                    "no calibration sets yet; create one with `tapecoder calibration create NAME REC…`"
                );
            }
            for s in sets {
                println!(
                    "{}: {} (codebook {} {}; within ±{}, share {:.2}, max bias {:.2})",
                    s.name,
                    s.recordings.join(", "),
                    s.codebook.id,
                    s.codebook.version,
                    s.within,
                    s.share,
                    s.max_bias
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
