//! `tapecoder status`: progress per coder; for supervisors also the study's double-coding state.
//! A coder sees only their own line and nothing from `supervisor/`.
use std::process::ExitCode;

use anyhow::Result;
use serde::Serialize;

use crate::cli::{GlobalArgs, StatusArgs, TableOrJson};
use crate::coding::Window;
use crate::quality::Standing;
use crate::study::model::Role;
use crate::study::progress::{
    CoderProgress, DoubleCodingSummary, coder_progress_in, double_coding,
};
use crate::study::{Study, calibration};

use super::context;

#[derive(Debug, Serialize)]
struct Report {
    study: String,
    recordings: usize,
    coders: Vec<CoderProgress>,
    /// Supervisors only.
    #[serde(skip_serializing_if = "Option::is_none")]
    double_coding: Option<DoubleCodingSummary>,
    /// One row per coder and calibration set in their queue (a coder: their own).
    certification: Vec<CertificationRow>,
}

/// A coder's standing on one calibration set (README: "Certification in `status`").
#[derive(Debug, Serialize)]
pub struct CertificationRow {
    pub coder: String,
    pub codebook_id: String,
    pub codebook_version: String,
    pub set: String,
    /// `certified`, `not_certified` or `pending`.
    pub standing: Standing,
    pub reasons: Vec<String>,
    pub submitted: usize,
    pub total: usize,
    pub compared: usize,
    pub within: usize,
    pub share: f64,
    /// Recordings whose feedback copy in the coder's folder differs from supervisor/gold/ (and
    /// "the pass rule of SET" when the set changed): re-run `calibration assign`. Supervisors only.
    pub copy_differs: Vec<String>,
}

fn rows(coder: &str, results: Vec<calibration::SetResult>) -> Vec<CertificationRow> {
    results
        .into_iter()
        .map(|r| CertificationRow {
            coder: coder.to_string(),
            codebook_id: r.set.codebook.id.clone(),
            codebook_version: r.set.codebook.version.clone(),
            set: r.set.name.clone(),
            standing: r.certification.standing,
            reasons: r.certification.reasons.clone(),
            submitted: r.certification.submitted,
            total: r.certification.total,
            compared: r.certification.compared,
            within: r.certification.within,
            share: r.certification.share,
            copy_differs: r.stale_copies,
        })
        .collect()
}

pub fn run(g: &GlobalArgs, a: &StatusArgs) -> Result<ExitCode> {
    let ctx = context::resolve(g)?;
    let me = ctx.me()?.clone();
    let study = &ctx.study;
    let report = if me.role == Role::Supervisor {
        let codings = study.all_codings()?;
        let mut coders = Vec::new();
        let mut certification = Vec::new();
        for c in study.coders().iter().filter(|c| c.role == Role::Coder) {
            coders.push(coder_progress_in(&c.id, &queue_of(study, &c.id)?, &codings));
            certification.extend(rows(&c.id, calibration::results(study, &c.id)?));
        }
        let adjudicated: Vec<String> =
            study.adjudications()?.into_iter().map(|x| x.recording).collect();
        // Each instrument's recordings compared on its own items.
        let assignments = study.assignments()?;
        let mut summary = crate::study::progress::DoubleCodingSummary::default();
        for book in study.codebooks() {
            let domains: Vec<&str> = book.domain_keys().collect();
            let mine: Vec<_> =
                assignments.iter().filter(|a| study.codes_with(&a.id, book)).cloned().collect();
            let part = double_coding(
                &mine,
                &codings,
                &adjudicated,
                &domains,
                study.config().reliability.tolerance,
            );
            summary.pairs += part.pairs;
            summary.complete += part.complete;
            summary.awaiting_adjudication += part.awaiting_adjudication;
            summary.adjudicated += part.adjudicated;
        }
        Report {
            study: study.config().name.clone(),
            recordings: study.live_recordings()?.len(),
            coders,
            double_coding: Some(summary),
            certification,
        }
    } else {
        let codings = study.codings_of(&me.id)?;
        Report {
            study: study.config().name.clone(),
            recordings: study.queue(&me.id)?.len(),
            coders: vec![coder_progress_in(&me.id, &queue_of(study, &me.id)?, &codings)],
            double_coding: None,
            certification: rows(&me.id, calibration::own_results(study, &me.id)?),
        }
    };
    match a.format {
        TableOrJson::Json => println!("{}", serde_json::to_string_pretty(&report)?),
        TableOrJson::Table => print_table(&report),
    }
    Ok(ExitCode::SUCCESS)
}

/// The coder's queue: each recording with the part of it they code (its sampled window, else
/// the whole recording).
fn queue_of(study: &Study, coder: &str) -> Result<Vec<(String, Window)>> {
    let windows = study.queue_file(coder)?.windows;
    Ok(study
        .queue(coder)?
        .into_iter()
        .map(|r| {
            let span = Window::or_whole(windows.get(&r.id), r.duration_s);
            (r.id.clone(), span)
        })
        .collect())
}

fn print_table(r: &Report) {
    println!("{}", crate::ids::sanitize_for_terminal(&r.study));
    println!(
        "{:<16} {:>8} {:>11} {:>11} {:>9} {:>9}",
        "coder", "assigned", "not started", "in progress", "submitted", "listened"
    );
    for c in &r.coders {
        let listened = c.listened_percent.map_or("-".to_string(), |p| format!("{p:.0}%"));
        println!(
            "{:<16} {:>8} {:>11} {:>11} {:>9} {:>9}",
            c.coder, c.assigned, c.not_started, c.in_progress, c.submitted, listened
        );
    }
    if !r.certification.is_empty() {
        println!();
        println!(
            "{:<16} {:<12} {:<24} {:<14} {:>6}  why",
            "coder", "set", "codebook", "certification", "share"
        );
        for c in &r.certification {
            let share =
                if c.compared == 0 { "-".to_string() } else { format!("{:.0}%", c.share * 100.0) };
            let mut why = c.reasons.join("; ");
            if !c.copy_differs.is_empty() {
                if !why.is_empty() {
                    why.push_str("; ");
                }
                why.push_str(&format!(
                    "the coder's copy differs from the gold for {} (run `tapecoder calibration assign {} {}` again)",
                    c.copy_differs.join(", "),
                    c.coder,
                    c.set
                ));
            }
            println!(
                "{:<16} {:<12} {:<24} {:<14} {:>6}  {}",
                c.coder,
                c.set,
                format!("{} {}", c.codebook_id, c.codebook_version),
                c.standing.as_str(),
                share,
                crate::ids::sanitize_for_terminal(&why)
            );
        }
    }
    if let Some(d) = &r.double_coding {
        println!();
        println!("recordings: {}", r.recordings);
        println!(
            "double-coded: {} ({} with both codings submitted), awaiting adjudication: {}, adjudicated: {}",
            d.pairs, d.complete, d.awaiting_adjudication, d.adjudicated
        );
    }
}
