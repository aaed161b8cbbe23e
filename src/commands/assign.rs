//! `tapecoder assign`: builds the coders' queues with the pure planner in
//! [`crate::study::assign`], keeping every existing assignment, and writes
//! `supervisor/assignments.toml` and `coders/<coder>/queue.toml`. Supervisors only. Loads are
//! balanced in listening time (the recordings' durations), and the summary shows each coder's.
use std::collections::BTreeMap;
use std::process::ExitCode;

use anyhow::{Result, bail};

use crate::cli::{AssignArgs, GlobalArgs};
use crate::study::assign::{PlanInput, plan, queues};
use crate::study::model::Role;
use crate::timefmt::{Precision, format_time};

use super::context;

pub fn run(g: &GlobalArgs, a: &AssignArgs) -> Result<ExitCode> {
    let ctx = context::resolve_for_writing(g)?;
    let me = ctx.supervisor("assign recordings")?.id.clone();
    let study = &ctx.study;
    let fraction = a.fraction.unwrap_or(study.config().double_coding.fraction);
    if !(0.0..=1.0).contains(&fraction) {
        bail!(
            "--fraction {fraction} must be between 0 and 1 (e.g. 0.2 for a fifth of the recordings)"
        );
    }
    let seed = a.seed.unwrap_or(study.config().double_coding.seed);

    let recordings: Vec<String> = study.recordings().iter().map(|r| r.id.clone()).collect();
    let durations: BTreeMap<String, f64> =
        study.recordings().iter().map(|r| (r.id.clone(), r.duration_s)).collect();
    if recordings.is_empty() {
        println!("no recordings to assign yet; register some with `tapecoder import FILE…`");
        return Ok(ExitCode::SUCCESS);
    }
    let all_coders: Vec<String> =
        study.coders().iter().filter(|c| c.role == Role::Coder).map(|c| c.id.clone()).collect();
    let coders = certified_coders(study, &all_coders)?;
    let observers: BTreeMap<String, String> =
        study.metadata()?.into_iter().filter_map(|m| m.observer.map(|o| (m.id, o))).collect();
    let existing = study.assignments()?;
    let planned = plan(&PlanInput {
        recordings: &recordings,
        durations: &durations,
        coders: &coders,
        observers: &observers,
        existing: &existing,
        fraction,
        seed,
    })?;
    let added = planned.len().saturating_sub(existing.len());
    if added == 0 {
        // Queues drift only by hand edits or an interrupted run: rewrite them from the plan.
        let mut drifted = false;
        for (coder, q) in queues(&planned, &all_coders) {
            drifted |= study.queue_ids(&coder).map(|have| have != q).unwrap_or(true);
        }
        if drifted {
            study.save_assignments(&planned, &me)?;
            println!(
                "nothing new to assign; the queues were rewritten from supervisor/assignments.toml"
            );
        } else {
            println!("all {} recording(s) are already assigned; nothing changed", recordings.len());
        }
        return Ok(ExitCode::SUCCESS);
    }
    study.save_assignments(&planned, &me)?;
    let doubles = planned.iter().skip(existing.len()).filter(|x| x.double_coded).count();
    println!(
        "assigned {added} new recording(s), {doubles} of them double-coded (fraction {fraction}, seed {seed})"
    );
    for (coder, q) in queues(&planned, &all_coders) {
        let secs: f64 = q.iter().filter_map(|id| durations.get(id)).sum();
        println!(
            "  {coder:<16} {:>3} recording(s)  {} of audio",
            q.len(),
            format_time(secs.round(), Precision::Seconds, true)
        );
    }
    if doubles == 0 && fraction > 0.0 && coders.len() < 2 {
        println!(
            "note: double coding needs at least two coders; add another with `tapecoder coders add ID --name N`"
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// The coders who may get new live recordings: all of them, or with `[training]
/// require_certification = true` only those certified on the study's codebook (id and version);
/// who was left out and why is printed.
fn certified_coders(study: &crate::study::Study, coders: &[String]) -> Result<Vec<String>> {
    if !study.config().training.require_certification {
        return Ok(coders.to_vec());
    }
    let book = study.codebook();
    let mut out = Vec::new();
    for c in coders {
        if crate::study::calibration::certified(study, c)?.is_some() {
            out.push(c.clone());
            continue;
        }
        let results = crate::study::calibration::results(study, c)?;
        let why = results
            .iter()
            .filter(|r| r.set.codebook.id == book.id && r.set.codebook.version == book.version)
            .map(|r| {
                format!(
                    "{} on set {}{}",
                    r.certification.standing.as_str(),
                    r.set.name,
                    if r.certification.reasons.is_empty() {
                        String::new()
                    } else {
                        format!(": {}", r.certification.reasons.join("; "))
                    }
                )
            })
            .collect::<Vec<_>>();
        let why = if why.is_empty() {
            format!(
                "no calibration set of codebook {} {} assigned (`tapecoder calibration assign {c} NAME`)",
                book.id, book.version
            )
        } else {
            why.join("; ")
        };
        println!("left out of new live work: {c} is not certified ({why})");
    }
    Ok(out)
}
