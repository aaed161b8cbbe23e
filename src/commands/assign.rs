//! `tapecoder assign`: builds the coders' queues with the pure planner in
//! [`crate::study::assign`], keeping every existing assignment, and writes
//! `supervisor/assignments.toml` and `coders/<coder>/queue.toml`. Supervisors only. Loads are
//! balanced in listening time (the recordings' durations), and the summary shows each coder's.
use std::collections::{BTreeMap, BTreeSet};
use std::process::ExitCode;

use anyhow::{Result, bail};

use crate::cli::{AssignArgs, GlobalArgs};
use crate::study::assign::{PlanInput, plan, queues};
use crate::study::model::{Assignment, Role};
use crate::study::probes;
use crate::timefmt::{Precision, format_time};

use super::context;

pub fn run(g: &GlobalArgs, a: &AssignArgs) -> Result<ExitCode> {
    let mut ctx = context::resolve_for_writing(g)?;
    let me = ctx.supervisor("assign recordings")?.id.clone();
    let study = &ctx.study;
    let fraction = a.fraction.unwrap_or(study.config().double_coding.fraction);
    if !(0.0..=1.0).contains(&fraction) {
        bail!(
            "--fraction {fraction} must be between 0 and 1 (e.g. 0.2 for a fifth of the recordings)"
        );
    }
    let seed = a.seed.unwrap_or(study.config().double_coding.seed);

    // Probes are recordings too (recordings.toml lists them), but never planned as live work.
    let live = study.live_recordings()?;
    let recordings: Vec<String> = live.iter().map(|r| r.id.clone()).collect();
    let durations: BTreeMap<String, f64> =
        live.iter().map(|r| (r.id.clone(), r.duration_s)).collect();
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
    let mut planned = plan(&PlanInput {
        recordings: &recordings,
        durations: &durations,
        coders: &coders,
        observers: &observers,
        existing: &existing,
        fraction,
        seed,
    })?;
    let added = planned.len().saturating_sub(existing.len());
    let windowed = sample_windows(study, &mut planned, &durations);
    if let Some(fraction) = a.probes {
        if added > 0 || windowed > 0 {
            study.save_assignments(&planned, &me)?;
            report_plan(
                &planned,
                existing.len(),
                (&all_coders, coders.len()),
                &durations,
                fraction,
                seed,
            );
        }
        return add_probes(&mut ctx, &planned, &coders, fraction, seed, &me);
    }
    if added == 0 {
        // Queues drift only by hand edits or an interrupted run: rewrite them from the plan.
        let mut drifted = false;
        for (coder, q) in queues(&planned, &all_coders) {
            let Ok(have) = study.queue_file(&coder) else {
                drifted = true;
                continue;
            };
            drifted |= have.recordings != q;
            // A window in the queue that is not the assignment's (a hand edit) drifts too.
            let theirs: BTreeSet<&str> = q.iter().map(String::as_str).collect();
            drifted |= planned
                .iter()
                .filter(|x| theirs.contains(x.id.as_str()))
                .any(|x| have.windows.get(&x.id) != x.window.as_ref());
        }
        if windowed > 0 {
            study.save_assignments(&planned, &me)?;
            println!(
                "nothing new to assign; {windowed} recording(s) got their sampled window ([sampling] in study.toml)"
            );
        } else if drifted {
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
    report_plan(&planned, existing.len(), (&all_coders, coders.len()), &durations, fraction, seed);
    if windowed > 0 {
        println!(
            "{windowed} recording(s) got a sampled window of {} minute(s) ([sampling] in study.toml), the same for each of its coders",
            study.config().sampling.window_minutes.unwrap_or_default()
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// With `[sampling] window_minutes` in study.toml, gives every assignment without a window its
/// reproducible window (from the study's seed, never `--seed`, so a re-run with another seed
/// cannot move it); returns how many got one.
fn sample_windows(
    study: &crate::study::Study,
    planned: &mut [Assignment],
    durations: &BTreeMap<String, f64>,
) -> usize {
    let Some(window_s) = study.config().sampling.window_s() else { return 0 };
    let seed = study.config().double_coding.seed;
    crate::study::sampling::fill_windows(planned, seed, window_s, |id| durations.get(id).copied())
}

/// What `assign` placed: the new recordings and each coder's load.
fn report_plan(
    planned: &[Assignment],
    existing: usize,
    (all_coders, eligible): (&[String], usize),
    durations: &BTreeMap<String, f64>,
    fraction: f64,
    seed: u64,
) {
    let added = planned.len().saturating_sub(existing);
    let doubles = planned.iter().skip(existing).filter(|x| x.double_coded).count();
    println!(
        "assigned {added} new recording(s), {doubles} of them double-coded (fraction {fraction}, seed {seed})"
    );
    for (coder, q) in queues(planned, all_coders) {
        let secs: f64 = q.iter().filter_map(|id| durations.get(id)).sum();
        println!(
            "  {coder:<16} {:>3} recording(s)  {} of audio",
            q.len(),
            format_time(secs.round(), Precision::Seconds, true)
        );
    }
    if doubles == 0 && fraction > 0.0 && eligible < 2 {
        println!(
            "note: double coding needs at least two coders; add another with `tapecoder coders add ID --name N`"
        );
    }
}

/// `assign --probes F`: gold recordings into each coder's queue, blind (see [`probes`]).
fn add_probes(
    ctx: &mut context::Context,
    planned: &[Assignment],
    coders: &[String],
    fraction: f64,
    seed: u64,
    me: &str,
) -> Result<ExitCode> {
    let study = &ctx.study;
    let gold: Vec<String> =
        crate::study::gold::all(study)?.into_iter().map(|g| g.recording).collect();
    let existing = study.probes()?;
    let live = queues(planned, coders);
    let mut queues_in = BTreeMap::new();
    for coder in coders {
        let q = live.get(coder).cloned().unwrap_or_default();
        // Probes go among the work not yet begun: after the last recording with a coding file.
        let started = q
            .iter()
            .rposition(|rec| study.layout().coding_file(coder, rec).is_ok_and(|p| p.exists()))
            .map_or(0, |i| i + 1);
        // Nor a recording they code live or in training.
        let mut known: BTreeSet<String> = q.iter().cloned().collect();
        known.extend(study.queue_file(coder)?.training);
        queues_in.insert(coder.clone(), probes::CoderQueue { live: q, started, known });
    }
    let taken: BTreeSet<String> = study.recordings().iter().map(|r| r.id.clone()).collect();
    let (new, short) = probes::plan(&probes::ProbePlan {
        coders: &queues_in,
        gold: &gold,
        existing: &existing,
        taken: &taken,
        fraction,
        // Another stream than the assignment plan's, so adding probes moves nothing else.
        seed: seed ^ 0x7072_6f62_6573,
    })?;
    ctx.study.add_probes(&new, planned, me)?;
    let mut per: BTreeMap<&str, usize> = BTreeMap::new();
    for p in existing.iter().chain(&new) {
        *per.entry(p.coder.as_str()).or_default() += 1;
    }
    println!(
        "added {} drift probe(s) ({} in all; {fraction} of each queue, from {} gold recording(s))",
        new.len(),
        existing.len() + new.len(),
        gold.len()
    );
    for coder in coders {
        println!("  {coder:<16} {:>3} probe(s)", per.get(coder.as_str()).copied().unwrap_or(0));
    }
    for s in short {
        println!(
            "note: {} gets {} probe(s), not {}: no other gold recording they do not already code; set more gold with `tapecoder gold set`",
            s.coder, s.given, s.wanted
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
